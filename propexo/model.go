package propexo

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/pmshooks/pmshooks/internal/jsonobj"
)

// Model names a kind of record that Propexo caches from the property
// management system, such as leases, residents or the residents-to-leases
// relation. The constants hold the snake_case spelling of the subscription
// API (SubscriptionParams.Model, SubscriptionTrigger.Model, DataDiff.Model).
//
// Deliveries spell the same model in kebab-case ("residents-to-leases" in
// the payload's "object" and "meta.object"). Decoding JSON into a Model
// accepts either spelling and converts it to snake_case, so the object of
// a delivery compares equal to the constant; Webhook.Raw keeps the text as
// sent. Encoding a Model writes snake_case, and Object gives the kebab-case
// spelling.
//
// The set is open: Propexo adds models, and a Model this package has no
// constant for still decodes, converts and compares.
type Model string

// The 112 models a webhook can subscribe to for DATA_NEW and DATA_UPDATE, as
// listed by Propexo's OpenAPI description of February 2026. Work orders are
// ModelServiceRequests; the *_to_* models are relations between two records
// (subscribe to ModelResidentsToLeases to learn which residents hold a lease,
// since a lease payload does not say).
const (
	ModelAccountingEntities                Model = "accounting_entities"
	ModelAddressTypes                      Model = "address_types"
	ModelAmenities                         Model = "amenities"
	ModelAPCodes                           Model = "ap_codes"
	ModelAPCodesToConstructionJob          Model = "ap_codes_to_construction_job"
	ModelApplicantPets                     Model = "applicant_pets"
	ModelApplicants                        Model = "applicants"
	ModelApplicantsToApplications          Model = "applicants_to_applications"
	ModelApplicantsToEvents                Model = "applicants_to_events"
	ModelApplicantsToRentableItems         Model = "applicants_to_rentable_items"
	ModelApplicationStatuses               Model = "application_statuses"
	ModelApplications                      Model = "applications"
	ModelCallLogs                          Model = "call_logs"
	ModelChargeCodeTypes                   Model = "charge_code_types"
	ModelChargeCodeTypesToChargeTimings    Model = "charge_code_types_to_charge_timings"
	ModelChargeCodes                       Model = "charge_codes"
	ModelChargeTimings                     Model = "charge_timings"
	ModelConcessions                       Model = "concessions"
	ModelConstructionJobDetails            Model = "construction_job_details"
	ModelConstructionJobs                  Model = "construction_jobs"
	ModelContractDetails                   Model = "contract_details"
	ModelContracts                         Model = "contracts"
	ModelCRMAgents                         Model = "crm_agents"
	ModelCRMAmenities                      Model = "crm_amenities"
	ModelCRMAttributions                   Model = "crm_attributions"
	ModelCRMCommunities                    Model = "crm_communities"
	ModelCRMCommunitiesToAgents            Model = "crm_communities_to_agents"
	ModelCRMCommunitiesToAttributions      Model = "crm_communities_to_attributions"
	ModelCRMEvents                         Model = "crm_events"
	ModelCRMListings                       Model = "crm_listings"
	ModelCRMPetPolicies                    Model = "crm_pet_policies"
	ModelCRMProspects                      Model = "crm_prospects"
	ModelDepositSummaries                  Model = "deposit_summaries"
	ModelDeposits                          Model = "deposits"
	ModelEmployees                         Model = "employees"
	ModelEntrataLeasePeriods               Model = "entrata_lease_periods"
	ModelEntrataUnitTypes                  Model = "entrata_unit_types"
	ModelEntrataVendorLocations            Model = "entrata_vendor_locations"
	ModelEventResults                      Model = "event_results"
	ModelEventResultsToEventTypes          Model = "event_results_to_event_types"
	ModelEventSubTypes                     Model = "event_sub_types"
	ModelEventTypes                        Model = "event_types"
	ModelEvents                            Model = "events"
	ModelFees                              Model = "fees"
	ModelFileTypes                         Model = "file_types"
	ModelFinancialAccounts                 Model = "financial_accounts"
	ModelFloorPlans                        Model = "floor_plans"
	ModelIntegrationConfigurationMetaData  Model = "integration_configuration_meta_data"
	ModelInvoiceItems                      Model = "invoice_items"
	ModelInvoices                          Model = "invoices"
	ModelLeadPets                          Model = "lead_pets"
	ModelLeadRelationships                 Model = "lead_relationships"
	ModelLeadSources                       Model = "lead_sources"
	ModelLeads                             Model = "leads"
	ModelLeadsToEvents                     Model = "leads_to_events"
	ModelLeadsToRentableItems              Model = "leads_to_rentable_items"
	ModelLeaseServices                     Model = "lease_services"
	ModelLeaseTransfers                    Model = "lease_transfers"
	ModelLeases                            Model = "leases"
	ModelListings                          Model = "listings"
	ModelLocations                         Model = "locations"
	ModelNoteCategories                    Model = "note_categories"
	ModelOwners                            Model = "owners"
	ModelOwnersToProperties                Model = "owners_to_properties"
	ModelPayableRegisterItems              Model = "payable_register_items"
	ModelPayableRegisters                  Model = "payable_registers"
	ModelPetTypes                          Model = "pet_types"
	ModelProperties                        Model = "properties"
	ModelPropertyLists                     Model = "property_lists"
	ModelPropertyListsToProperties         Model = "property_lists_to_properties"
	ModelPropertyOfficeHours               Model = "property_office_hours"
	ModelPurchaseOrderItems                Model = "purchase_order_items"
	ModelPurchaseOrderItemsToInvoices      Model = "purchase_order_items_to_invoices"
	ModelPurchaseOrders                    Model = "purchase_orders"
	ModelRecurringResidentCharges          Model = "recurring_resident_charges"
	ModelRentableItems                     Model = "rentable_items"
	ModelRentvineApplicationTemplates      Model = "rentvine_application_templates"
	ModelResidentAllocations               Model = "resident_allocations"
	ModelResidentCharges                   Model = "resident_charges"
	ModelResidentInsurance                 Model = "resident_insurance"
	ModelResidentPayments                  Model = "resident_payments"
	ModelResidentPets                      Model = "resident_pets"
	ModelResidentVehicles                  Model = "resident_vehicles"
	ModelResidents                         Model = "residents"
	ModelResidentsToEvents                 Model = "residents_to_events"
	ModelResidentsToLeases                 Model = "residents_to_leases"
	ModelResidentsToRentableItems          Model = "residents_to_rentable_items"
	ModelScreenings                        Model = "screenings"
	ModelServiceRequestAccessContacts      Model = "service_request_access_contacts"
	ModelServiceRequestCategories          Model = "service_request_categories"
	ModelServiceRequestLocations           Model = "service_request_locations"
	ModelServiceRequestNotes               Model = "service_request_notes"
	ModelServiceRequestPriorities          Model = "service_request_priorities"
	ModelServiceRequestProblems            Model = "service_request_problems"
	ModelServiceRequestStatuses            Model = "service_request_statuses"
	ModelServiceRequestVendorCategories    Model = "service_request_vendor_categories"
	ModelServiceRequestVendorContacts      Model = "service_request_vendor_contacts"
	ModelServiceRequestVendors             Model = "service_request_vendors"
	ModelServiceRequestVendorsInsurance    Model = "service_request_vendors_insurance"
	ModelServiceRequestVendorsToProperties Model = "service_request_vendors_to_properties"
	ModelServiceRequests                   Model = "service_requests"
	ModelServiceRequestsToEmployees        Model = "service_requests_to_employees"
	ModelServiceRequestsToVendors          Model = "service_requests_to_vendors"
	ModelTimezones                         Model = "timezones"
	ModelTransactions                      Model = "transactions"
	ModelUnitDetails                       Model = "unit_details"
	ModelUnitPricing                       Model = "unit_pricing"
	ModelUnits                             Model = "units"
	ModelUnitsToAmenity                    Model = "units_to_amenity"
	ModelVendorInsuranceCoverageTypes      Model = "vendor_insurance_coverage_types"
	ModelVendorInsurancePolicyTypes        Model = "vendor_insurance_policy_types"
	ModelVendorPaymentTypes                Model = "vendor_payment_types"
)

// allModels lists every Model constant, sorted.
var allModels = [...]Model{
	ModelAccountingEntities,
	ModelAddressTypes,
	ModelAmenities,
	ModelAPCodes,
	ModelAPCodesToConstructionJob,
	ModelApplicantPets,
	ModelApplicants,
	ModelApplicantsToApplications,
	ModelApplicantsToEvents,
	ModelApplicantsToRentableItems,
	ModelApplicationStatuses,
	ModelApplications,
	ModelCallLogs,
	ModelChargeCodeTypes,
	ModelChargeCodeTypesToChargeTimings,
	ModelChargeCodes,
	ModelChargeTimings,
	ModelConcessions,
	ModelConstructionJobDetails,
	ModelConstructionJobs,
	ModelContractDetails,
	ModelContracts,
	ModelCRMAgents,
	ModelCRMAmenities,
	ModelCRMAttributions,
	ModelCRMCommunities,
	ModelCRMCommunitiesToAgents,
	ModelCRMCommunitiesToAttributions,
	ModelCRMEvents,
	ModelCRMListings,
	ModelCRMPetPolicies,
	ModelCRMProspects,
	ModelDepositSummaries,
	ModelDeposits,
	ModelEmployees,
	ModelEntrataLeasePeriods,
	ModelEntrataUnitTypes,
	ModelEntrataVendorLocations,
	ModelEventResults,
	ModelEventResultsToEventTypes,
	ModelEventSubTypes,
	ModelEventTypes,
	ModelEvents,
	ModelFees,
	ModelFileTypes,
	ModelFinancialAccounts,
	ModelFloorPlans,
	ModelIntegrationConfigurationMetaData,
	ModelInvoiceItems,
	ModelInvoices,
	ModelLeadPets,
	ModelLeadRelationships,
	ModelLeadSources,
	ModelLeads,
	ModelLeadsToEvents,
	ModelLeadsToRentableItems,
	ModelLeaseServices,
	ModelLeaseTransfers,
	ModelLeases,
	ModelListings,
	ModelLocations,
	ModelNoteCategories,
	ModelOwners,
	ModelOwnersToProperties,
	ModelPayableRegisterItems,
	ModelPayableRegisters,
	ModelPetTypes,
	ModelProperties,
	ModelPropertyLists,
	ModelPropertyListsToProperties,
	ModelPropertyOfficeHours,
	ModelPurchaseOrderItems,
	ModelPurchaseOrderItemsToInvoices,
	ModelPurchaseOrders,
	ModelRecurringResidentCharges,
	ModelRentableItems,
	ModelRentvineApplicationTemplates,
	ModelResidentAllocations,
	ModelResidentCharges,
	ModelResidentInsurance,
	ModelResidentPayments,
	ModelResidentPets,
	ModelResidentVehicles,
	ModelResidents,
	ModelResidentsToEvents,
	ModelResidentsToLeases,
	ModelResidentsToRentableItems,
	ModelScreenings,
	ModelServiceRequestAccessContacts,
	ModelServiceRequestCategories,
	ModelServiceRequestLocations,
	ModelServiceRequestNotes,
	ModelServiceRequestPriorities,
	ModelServiceRequestProblems,
	ModelServiceRequestStatuses,
	ModelServiceRequestVendorCategories,
	ModelServiceRequestVendorContacts,
	ModelServiceRequestVendors,
	ModelServiceRequestVendorsInsurance,
	ModelServiceRequestVendorsToProperties,
	ModelServiceRequests,
	ModelServiceRequestsToEmployees,
	ModelServiceRequestsToVendors,
	ModelTimezones,
	ModelTransactions,
	ModelUnitDetails,
	ModelUnitPricing,
	ModelUnits,
	ModelUnitsToAmenity,
	ModelVendorInsuranceCoverageTypes,
	ModelVendorInsurancePolicyTypes,
	ModelVendorPaymentTypes,
}

// Models returns every model this package has a constant for, sorted. The
// slice is new on each call.
func Models() []Model { return slices.Clone(allModels[:]) }

// NormalizeModel returns the Model that name spells, in either the
// subscription API's snake_case ("residents_to_leases") or the deliveries'
// kebab-case ("residents-to-leases"): every "-" becomes "_" and surrounding
// white space is dropped. It does not check that the model exists; see
// Model.Known.
func NormalizeModel(name string) Model {
	return Model(strings.ReplaceAll(strings.TrimSpace(name), "-", "_"))
}

// String returns m in snake_case, the spelling of the subscription API.
func (m Model) String() string { return string(m) }

// Object returns m in kebab-case, the spelling of a delivery's "object"
// and "meta.object": ModelResidentsToLeases.Object() is
// "residents-to-leases".
func (m Model) Object() string { return strings.ReplaceAll(string(m), "_", "-") }

// Known reports whether m is one of the models this package has a constant
// for. Propexo may add models; an unknown one is not an error.
func (m Model) Known() bool {
	_, found := slices.BinarySearch(allModels[:], m)
	return found
}

// UnmarshalJSON decodes a JSON string in either spelling, converted by
// NormalizeModel. null is the empty Model. Any other JSON value is kept as
// the text a lenient.String reads (a number's digits, an object's raw
// JSON), unnormalized: it never fails a delivery.
func (m *Model) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if s, ok := jsonobj.String(b); ok {
		*m = NormalizeModel(s)
		return nil
	}
	*m = Model(lenientText(b))
	return nil
}

// MarshalJSON encodes m as a JSON string in snake_case, the spelling the
// subscription API expects, whichever spelling m was built from.
func (m Model) MarshalJSON() ([]byte, error) {
	return json.Marshal(string(NormalizeModel(string(m))))
}

// Kind returns the Subject.Kind of the events about a record of model m:
// m in snake_case with each word made singular, since every Subject.Kind is a
// singular noun (see event.Subject). A word ending in "ies" ends in "y"
// instead (properties: property); one ending in "sses", "uses", "xes",
// "ches" or "shes" loses its "es" (statuses: status); any other word ending
// in "s", but not in "ss", "us" or "is", loses the "s" (leases: lease). Words
// without a final "s" are kept (insurance, data, pricing). So ModelLeases is
// "lease", ModelResidentsToLeases "resident_to_lease", ModelProperties
// "property" and ModelServiceRequestVendorsInsurance
// "service_request_vendor_insurance". An unknown model follows the same
// rules, in whichever spelling it was built from.
func (m Model) Kind() string {
	words := strings.Split(string(NormalizeModel(string(m))), "_")
	for i, w := range words {
		words[i] = singular(w)
	}
	return strings.Join(words, "_")
}

// singular returns the lowercase English word w in the singular, by the rules
// Model.Kind documents.
func singular(w string) string {
	switch {
	case len(w) > 3 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "uses"), strings.HasSuffix(w, "xes"),
		strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w
	case len(w) > 1 && strings.HasSuffix(w, "s"):
		return w[:len(w)-1]
	}
	return w
}
